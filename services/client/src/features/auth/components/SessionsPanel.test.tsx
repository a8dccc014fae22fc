import { http, HttpResponse } from 'msw';

import { db, member, renderApp, screen, server, waitFor, within } from '@/testing/test-utils';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)';

async function sessionsPanel() {
  return screen.findByRole('region', { name: 'Sessions' });
}

describe('Sessions panel', () => {
  it('lists the signed-in user’s sessions and marks this one', async () => {
    const me = member();
    db.addSession({ user_id: me.id, user_agent: PHONE, address: '198.51.100.7' });
    await renderApp('/settings', { loggedInAs: me });

    const panel = await sessionsPanel();
    const rows = await within(panel).findAllByRole('row');
    // The heading row, then one row per session.
    expect(rows).toHaveLength(3);
    const phone = within(panel).getByRole('row', { name: /iPhone/ });
    expect(within(phone).getByText('198.51.100.7')).toBeInTheDocument();
    expect(within(phone).getByText('1 Jan 2026, 09:30 UTC')).toBeInTheDocument();
    expect(within(phone).getByText('2 Jan 2026, 10:45 UTC')).toBeInTheDocument();
    const mine = within(panel).getByRole('row', { name: /This browser/ });
    expect(within(mine).getByText('This session')).toBeInTheDocument();
    expect(within(mine).queryByRole('button')).not.toBeInTheDocument();
  });

  it('ends another session, says so, and lists it no more', async () => {
    const me = member();
    const phone = db.addSession({ user_id: me.id, user_agent: PHONE });
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const panel = await sessionsPanel();
    await user.click(await within(panel).findByRole('button', { name: `End the session on ${PHONE}` }));

    expect(await screen.findByText('Session ended.')).toBeInTheDocument();
    await waitFor(() => expect(within(panel).queryByRole('row', { name: /iPhone/ })).not.toBeInTheDocument());
    expect(db.sessionsOf(me.id).map((session) => session.id)).not.toContain(phone.id);
    expect(within(panel).getByRole('button', { name: 'End all other sessions' })).toBeDisabled();
  });

  it('ends all other sessions at once and keeps this one', async () => {
    const me = member();
    db.addSession({ user_id: me.id, user_agent: PHONE });
    db.addSession({ user_id: me.id, user_agent: null, address: '203.0.113.5' });
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const panel = await sessionsPanel();
    // A session known only by its address is named by it.
    expect(await within(panel).findByRole('button', { name: 'End the session on 203.0.113.5' })).toBeEnabled();
    expect(within(panel).getByText('Unknown device')).toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'End all other sessions' }));

    expect(await screen.findByText('Ended 2 other sessions.')).toBeInTheDocument();
    await waitFor(() => expect(within(panel).getAllByRole('row')).toHaveLength(2));
    expect(db.sessionsOf(me.id)).toHaveLength(1);
    expect(within(panel).getByText('This session')).toBeInTheDocument();
  });

  it('shows the server’s message when a session cannot be ended', async () => {
    const me = member();
    db.addSession({ user_id: me.id, user_agent: PHONE });
    server.use(
      http.delete('*/auth/sessions/:id', () =>
        HttpResponse.json({ status: 'fail', message: 'Session does not exist.' }, { status: 404 }),
      ),
    );
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const panel = await sessionsPanel();
    await user.click(await within(panel).findByRole('button', { name: `End the session on ${PHONE}` }));

    expect((await screen.findByText('Session does not exist.')).closest('.notification')).toHaveClass('is-danger');
  });

  it('offers to try again when the sessions cannot be loaded', async () => {
    const me = member();
    let failures = 1;
    server.use(
      http.get('*/auth/sessions', () =>
        failures-- > 0
          ? HttpResponse.json({ status: 'fail', message: 'Service unavailable.' }, { status: 503 })
          : HttpResponse.json({
              status: 'success',
              data: {
                sessions: [
                  {
                    id: 'only',
                    created: 'not a date',
                    last_used: '2026-01-02T10:45:00Z',
                    user_agent: null,
                    address: null,
                    current: true,
                  },
                ],
              },
            }),
      ),
    );
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const panel = await sessionsPanel();
    expect(await within(panel).findByText('Service unavailable.')).toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'Try again' }));

    // A time the browser cannot read is shown as it came.
    expect(await within(panel).findByText('not a date')).toBeInTheDocument();
    expect(within(panel).getByText('Unknown')).toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'End all other sessions' })).toBeDisabled();
  });
});
