import { Link } from 'react-router';

import { paths } from '@/config/paths';

export function LoginRequired() {
  return (
    <p>
      You must be logged in to view this. Click <Link to={paths.login}>here</Link> to log back in.
    </p>
  );
}
