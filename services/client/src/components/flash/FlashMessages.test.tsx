import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { FlashMessages } from './FlashMessages';
import { FlashProvider } from './FlashProvider';
import { useFlash, type FlashType } from './flash-context';

function Trigger({ type, text }: { type: FlashType; text: string }) {
  const { flash } = useFlash();
  return (
    <button type="button" onClick={() => flash(type, text)}>
      {text}
    </button>
  );
}

function setup() {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
  render(
    <FlashProvider>
      <FlashMessages />
      <Trigger type="success" text="Welcome!" />
      <Trigger type="danger" text="Invalid email or password." />
    </FlashProvider>,
  );
  return { user };
}

describe('Flash messages', () => {
  it('disappear after three seconds', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('button', { name: 'Welcome!' }));
    const note = screen.getByText('Welcome!', { selector: 'span' }).closest('.notification');
    expect(note).toHaveClass('notification', 'is-success');

    act(() => vi.advanceTimersByTime(2900));
    expect(screen.getByText('Welcome!', { selector: 'span' })).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(200));
    expect(screen.queryByText('Welcome!', { selector: 'span' })).not.toBeInTheDocument();
  });

  it('replace each other, and the new one gets its own three seconds', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('button', { name: 'Welcome!' }));
    act(() => vi.advanceTimersByTime(2000));
    await user.click(screen.getByRole('button', { name: 'Invalid email or password.' }));

    expect(screen.queryByText('Welcome!', { selector: 'span' })).not.toBeInTheDocument();
    const note = screen.getByText('Invalid email or password.', { selector: 'span' }).closest('.notification');
    expect(note).toHaveClass('is-danger');

    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByText('Invalid email or password.', { selector: 'span' })).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1100));
    expect(screen.queryByText('Invalid email or password.', { selector: 'span' })).not.toBeInTheDocument();
  });

  it('close at once with their delete button', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('button', { name: 'Welcome!' }));
    const close = screen.getByRole('button', { name: 'Dismiss message' });
    expect(close).toHaveClass('delete');

    await user.click(close);
    expect(screen.queryByText('Welcome!', { selector: 'span' })).not.toBeInTheDocument();
  });
});
