import { seriousViolations } from '@/testing/axe';
import { RECOVERY_CODES, TOTP_CODE } from '@/testing/mocks/db';
import { db, member, renderApp, screen, sentBodies } from '@/testing/test-utils';

function twoFactorMember() {
  const me = member();
  me.two_factor_enabled = true;
  db.setRecoveryCodes(me.id, RECOVERY_CODES);
  return me;
}

async function passwordStep() {
  const rendered = await renderApp('/login');
  const { user } = rendered;
  await user.type(await screen.findByLabelText('Email'), 'michael@herman.org');
  await user.type(screen.getByLabelText('Password'), 'greaterthanten');
  await user.click(screen.getByRole('button', { name: 'Submit' }));
  await screen.findByRole('form', { name: 'Two-factor code' });
  return rendered;
}

describe('Login with two-factor on', () => {
  it('asks for the code after the password, then logs in and goes home', async () => {
    twoFactorMember();
    const { user } = await passwordStep();
    const bodies = sentBodies('POST', '/auth/2fa/verify');
    expect(screen.queryByRole('link', { name: 'User Status' })).not.toBeInTheDocument();
    const code = screen.getByLabelText('Authentication code');
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(screen.getByRole('button', { name: 'Verify' })).toBeDisabled();
    await user.type(code, TOTP_CODE);
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByText('Welcome!')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'User Status' })).toBeInTheDocument();
    expect(bodies).toEqual([{ mfa_token: expect.stringMatching(/^mfa-/), code: TOTP_CODE }]);
  });

  it('shows the API message for a wrong code and stays on the code step', async () => {
    twoFactorMember();
    const { user } = await passwordStep();
    await user.type(screen.getByLabelText('Authentication code'), '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    const message = await screen.findByText('Invalid two-factor code.');
    expect(message.closest('.notification')).toHaveClass('is-danger');
    expect(screen.getByRole('form', { name: 'Two-factor code' })).toBeInTheDocument();
  });

  it('logs in with a recovery code instead, which then works no more', async () => {
    twoFactorMember();
    const { user } = await passwordStep();
    const bodies = sentBodies('POST', '/auth/2fa/verify');
    await user.click(screen.getByRole('button', { name: 'Use a recovery code' }));
    expect(screen.queryByLabelText('Authentication code')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Recovery code'), RECOVERY_CODES[2] ?? '');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByText('Welcome!')).toBeInTheDocument();
    expect(bodies).toEqual([{ mfa_token: expect.stringMatching(/^mfa-/), recovery_code: RECOVERY_CODES[2] }]);
    expect(db.spendRecoveryCode(1, RECOVERY_CODES[2] ?? '')).toBe(false);
  });

  it('goes back to the password step on "Start over"', async () => {
    twoFactorMember();
    const { user } = await passwordStep();
    await user.click(screen.getByRole('button', { name: 'Start over' }));
    expect(await screen.findByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Email')).toHaveValue('michael@herman.org');
  });

  it('has no serious or critical axe violations on the code step', async () => {
    twoFactorMember();
    const { user } = await passwordStep();
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Use a recovery code' }));
    expect(await seriousViolations()).toEqual([]);
  });
});
