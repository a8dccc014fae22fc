import { render, screen } from '@testing-library/react';

import { SubmitButton } from './SubmitButton';

describe('SubmitButton', () => {
  it('sends its form while the form is ready', () => {
    render(<SubmitButton submitting={false}>Save</SubmitButton>);
    const button = screen.getByRole('button', { name: 'Save' });
    expect(button).toHaveAttribute('type', 'submit');
    expect(button).toBeEnabled();
    expect(button).toHaveClass('button', 'is-primary');
    expect(button).not.toHaveClass('is-loading');
  });

  it('cannot be pressed while the form is not ready', () => {
    render(
      <SubmitButton submitting={false} disabled>
        Save
      </SubmitButton>,
    );
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('shows progress and cannot be pressed again while the form is sent', () => {
    render(<SubmitButton submitting>Save</SubmitButton>);
    const button = screen.getByRole('button', { name: 'Save' });
    expect(button).toBeDisabled();
    expect(button).toHaveClass('is-loading');
  });

  it('sends the form it names from outside it', () => {
    render(
      <>
        <form id="outside" aria-label="Outside" />
        <SubmitButton submitting={false} form="outside">
          Save
        </SubmitButton>
      </>,
    );
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).form).toBe(screen.getByRole('form'));
  });
});
