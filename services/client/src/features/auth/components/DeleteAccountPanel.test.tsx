import { seriousViolations } from '@/testing/axe';
import { TOTP_CODE } from '@/testing/mocks/db';
import { admin, db, member, renderApp, screen, sentBodies, within } from '@/testing/test-utils';

const panel = () => screen.findByRole('region', { name: 'Delete account' });

async function openDialog(user: Awaited<ReturnType<typeof renderApp>>['user']) {
  await user.click(within(await panel()).getByRole('button', { name: 'Delete my account…' }));
  return screen.getByRole('dialog', { name: 'Delete your account?' });
}

describe('Deleting one’s own account in the settings', () => {
  it('asks for the password, deletes the account, signs out and goes home with a message', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const bodies = sentBodies('DELETE', '/auth/account');

    const dialog = await openDialog(user);
    expect(within(dialog).queryByLabelText('Two-factor code')).not.toBeInTheDocument();
    const confirm = within(dialog).getByRole('button', { name: 'Delete account' });
    expect(confirm).toBeDisabled();
    expect(confirm).toHaveClass('is-danger');
    expect(await seriousViolations()).toEqual([]);

    await user.type(within(dialog).getByLabelText('Password'), 'greaterthanten');
    await user.click(confirm);

    expect(await screen.findByText('Your account was deleted.')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'All Users' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Log In' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(db.findUser(me.id)).toBeUndefined();
    expect(bodies).toEqual([{ password: 'greaterthanten' }]);
  });

  it('shows why a wrong password was refused and keeps the account', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const dialog = await openDialog(user);
    await user.type(within(dialog).getByLabelText('Password'), 'not my password');
    await user.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    expect(await within(dialog).findByText('Password is incorrect.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(db.findUser(me.id)).toBeDefined();
    expect(await seriousViolations()).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('asks for a two-factor code when two-factor login is on', async () => {
    const me = db.addUser({ username: 'michael', email: 'michael@herman.org', two_factor_enabled: true });
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const bodies = sentBodies('DELETE', '/auth/account');
    const dialog = await openDialog(user);
    const confirm = within(dialog).getByRole('button', { name: 'Delete account' });

    await user.type(within(dialog).getByLabelText('Password'), 'greaterthanten');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Two-factor code'), '000000');
    await user.click(confirm);
    expect(await within(dialog).findByText('Invalid code.')).toBeInTheDocument();
    expect(db.findUser(me.id)).toBeDefined();

    await user.clear(within(dialog).getByLabelText('Two-factor code'));
    await user.type(within(dialog).getByLabelText('Two-factor code'), ` ${TOTP_CODE} `);
    await user.click(confirm);
    expect(await screen.findByText('Your account was deleted.')).toBeInTheDocument();
    expect(db.findUser(me.id)).toBeUndefined();
    expect(bodies).toEqual([
      { password: 'greaterthanten', code: '000000' },
      { password: 'greaterthanten', code: TOTP_CODE },
    ]);
  });

  it('tells the last admin why it cannot delete itself', async () => {
    const me = admin();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const dialog = await openDialog(user);
    await user.type(within(dialog).getByLabelText('Password'), 'greaterthanten');
    await user.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    expect(await within(dialog).findByText('The last active admin cannot be removed or demoted.')).toBeInTheDocument();
    expect(db.findUser(me.id)).toBeDefined();
  });
});
