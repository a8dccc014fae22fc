import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { FlashMessages } from './FlashMessages';
import { FlashProvider } from './FlashProvider';
import { useFlashedAction } from './use-flashed-action';

function Buttons({ action, onSettled }: { action: () => Promise<string>; onSettled: () => void }) {
  const { busy, run } = useFlashedAction<string>(onSettled);
  return (
    <>
      <p>busy: {busy ?? 'none'}</p>
      <button type="button" onClick={() => void run('one', action)}>
        One
      </button>
    </>
  );
}

function setup(action: () => Promise<string>) {
  const onSettled = vi.fn();
  render(
    <FlashProvider>
      <FlashMessages />
      <Buttons action={action} onSettled={onSettled} />
    </FlashProvider>,
  );
  return { onSettled, user: userEvent.setup() };
}

describe('useFlashedAction', () => {
  it("flashes the action's message, then settles", async () => {
    const { user, onSettled } = setup(() => Promise.resolve('Done.'));
    await user.click(screen.getByRole('button', { name: 'One' }));
    expect(await screen.findByText('Done.')).toBeInTheDocument();
    expect(screen.getByText('Done.').closest('.notification')).toHaveClass('is-success');
    expect(onSettled).toHaveBeenCalledOnce();
    expect(screen.getByText('busy: none')).toBeInTheDocument();
  });

  it('flashes what the action throws as a danger', async () => {
    const { user, onSettled } = setup(() => Promise.reject(new Error('Refused.')));
    await user.click(screen.getByRole('button', { name: 'One' }));
    expect(await screen.findByText('Refused.')).toBeInTheDocument();
    expect(screen.getByText('Refused.').closest('.notification')).toHaveClass('is-danger');
    expect(onSettled).toHaveBeenCalledOnce();
  });

  it('runs one action at a time: a second click while it runs does nothing', async () => {
    let finish: (message: string) => void = () => {};
    const action = vi.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const { user, onSettled } = setup(action);
    await user.click(screen.getByRole('button', { name: 'One' }));
    expect(screen.getByText('busy: one')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'One' }));
    expect(action).toHaveBeenCalledOnce();
    finish('Done.');
    expect(await screen.findByText('busy: none')).toBeInTheDocument();
    expect(onSettled).toHaveBeenCalledOnce();
  });
});
