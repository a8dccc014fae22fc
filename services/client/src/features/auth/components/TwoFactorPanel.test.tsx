import { seriousViolations } from '@/testing/axe';
import { RECOVERY_CODES, TOTP_CODE } from '@/testing/mocks/db';
import { db, member, renderApp, screen, sentBodies, within } from '@/testing/test-utils';

const panel = () => screen.getByRole('region', { name: 'Two-factor login' });

describe('Two-factor panel in the settings', () => {
  it('sets two-factor login up: a QR code drawn here, a code to confirm, the recovery codes once', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const bodies = sentBodies('POST', '/auth/2fa/confirm');
    await user.click(await within(await screen.findByRole('region', { name: 'Two-factor login' })).findByRole('button', { name: 'Set up two-factor login' }));

    const qr = await within(panel()).findByRole('img', { name: 'QR code of your two-factor secret' });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(within(panel()).getByText('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBeInTheDocument();
    expect(await seriousViolations()).toEqual([]);

    const turnOn = within(panel()).getByRole('button', { name: 'Turn on' });
    expect(turnOn).toBeDisabled();
    await user.type(within(panel()).getByLabelText('Code from the app'), TOTP_CODE);
    await user.click(turnOn);

    expect(await screen.findByText('Two-factor login is on.')).toBeInTheDocument();
    const codes = within(panel()).getAllByRole('listitem').map((item) => item.textContent);
    expect(codes).toEqual(RECOVERY_CODES);
    expect(bodies).toEqual([{ code: TOTP_CODE }]);
    expect(db.findUser(me.id)?.two_factor_enabled).toBe(true);
    expect(await seriousViolations()).toEqual([]);

    await user.click(within(panel()).getByRole('button', { name: 'I have saved them' }));
    expect(within(panel()).queryByText(RECOVERY_CODES[0] ?? '')).not.toBeInTheDocument();
    expect(within(panel()).getByRole('button', { name: 'Turn off' })).toBeInTheDocument();
  });

  it('shows why a wrong code was refused and stays off', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    await user.click(await screen.findByRole('button', { name: 'Set up two-factor login' }));
    await user.type(await within(panel()).findByLabelText('Code from the app'), '000000');
    await user.click(within(panel()).getByRole('button', { name: 'Turn on' }));

    const field = within(panel()).getByLabelText('Code from the app');
    expect(await within(panel()).findByText('Invalid code.')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(db.findUser(me.id)?.two_factor_enabled).toBe(false);
  });

  it('cancels a setup that was started', async () => {
    const { user } = await renderApp('/settings', { loggedInAs: member() });
    await user.click(await screen.findByRole('button', { name: 'Set up two-factor login' }));
    await user.click(await within(panel()).findByRole('button', { name: 'Cancel' }));
    expect(within(panel()).getByRole('button', { name: 'Set up two-factor login' })).toBeInTheDocument();
  });

  it('turns two-factor login off with the password and a code', async () => {
    const me = member();
    me.two_factor_enabled = true;
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const bodies = sentBodies('DELETE', '/auth/2fa');
    await within(await screen.findByRole('region', { name: 'Two-factor login' })).findByText(/^On\./);
    expect(await seriousViolations()).toEqual([]);

    await user.type(within(panel()).getByLabelText('Password'), 'not my password');
    await user.type(within(panel()).getByLabelText('Code'), TOTP_CODE);
    await user.click(within(panel()).getByRole('button', { name: 'Turn off' }));
    expect(await within(panel()).findByText('Password is incorrect.')).toBeInTheDocument();
    expect(db.findUser(me.id)?.two_factor_enabled).toBe(true);

    await user.clear(within(panel()).getByLabelText('Password'));
    await user.type(within(panel()).getByLabelText('Password'), 'greaterthanten');
    await user.click(within(panel()).getByRole('button', { name: 'Turn off' }));
    expect(await screen.findByText('Two-factor login is off.')).toBeInTheDocument();
    expect(db.findUser(me.id)?.two_factor_enabled).toBe(false);
    expect(within(panel()).getByRole('button', { name: 'Set up two-factor login' })).toBeInTheDocument();
    expect(bodies).toEqual([
      { password: 'not my password', code: TOTP_CODE },
      { password: 'greaterthanten', code: TOTP_CODE },
    ]);
  });
});
