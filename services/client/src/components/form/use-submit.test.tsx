import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { FlashMessages, FlashProvider } from '@/components/flash';
import { ApiError } from '@/lib/api-client';

import { TextField } from './TextField';
import { useSubmit, type SubmitOptions } from './use-submit';

function Harness({ action, options }: { action: () => Promise<string>; options?: SubmitOptions<string> }) {
  const { submitting, error, fieldErrors, submit } = useSubmit(action, options);
  return (
    <form onSubmit={submit} aria-label="Example">
      {error && <p role="alert">{error.message}</p>}
      <TextField label="Email" name="email" errors={fieldErrors.email} defaultValue="" />
      <button type="submit">{submitting ? 'Saving' : 'Save'}</button>
    </form>
  );
}

function renderHarness(action: () => Promise<string>, options?: SubmitOptions<string>) {
  render(
    <FlashProvider>
      <FlashMessages />
      <Harness action={action} options={options} />
    </FlashProvider>,
  );
  return userEvent.setup();
}

describe('useSubmit', () => {
  it('shows progress, then hands the result on and flashes the success message', async () => {
    let finish: (value: string) => void = () => {};
    const action = vi.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const onSuccess = vi.fn();
    const user = renderHarness(action, { onSuccess, successMessage: 'Saved.' });

    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('button', { name: 'Saving' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Saving' }));
    expect(action).toHaveBeenCalledTimes(1);

    finish('the result');
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(onSuccess).toHaveBeenCalledWith('the result');
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });

  it('keeps a failure in the form and ties the server reasons to their fields', async () => {
    const user = renderHarness(() =>
      Promise.reject(new ApiError(400, 'Invalid payload.', { email: ['Not a valid email address.'] })),
    );

    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid payload.');
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Not a valid email address.');
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  });

  it('flashes a failure when asked to, and clears the last one on the next try', async () => {
    let attempt = 0;
    const user = renderHarness(
      () => (++attempt === 1 ? Promise.reject(new ApiError(409, 'Taken.', { email: ['In use.'] })) : Promise.resolve('ok')),
      { failure: 'flash' },
    );

    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByText('Taken.')).closest('.notification')).toHaveClass('is-danger');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByText('In use.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('button', { name: 'Save' });
    expect(screen.queryByText('In use.')).not.toBeInTheDocument();
  });

  it('turns a thrown value that is not an Error into one', async () => {
    const user = renderHarness(() => Promise.reject('offline'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('offline');
  });
});
