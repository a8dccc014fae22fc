import { useState } from 'react';

import { useSubmit } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { resendVerification } from '@/lib/api/auth';

/** Shown while the signed-in user's address is unverified, with a way to get a new link. */
export function EmailVerificationNotice({ email }: { email: string }) {
  const [sent, setSent] = useState<string | null>(null);
  const { submitting, error, submit } = useSubmit(resendVerification, { onSuccess: setSent });
  return (
    <section className="notification is-warning is-light" aria-label="Email verification">
      <p>
        Your email address <strong>{email}</strong> is not verified yet. Open the link we mailed to it, or ask for a new
        one.
      </p>
      {sent && <p role="status">{sent}</p>}
      {error && <ErrorNotice error={error} />}
      <form onSubmit={submit} className="mt-2">
        <button type="submit" className={`button is-small${submitting ? ' is-loading' : ''}`} disabled={submitting}>
          Resend the link
        </button>
      </form>
    </section>
  );
}
