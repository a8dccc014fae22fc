import { Link } from 'react-router';

import { Page } from '@/components/layout/Page';
import { paths } from '@/config/paths';

export function NotFoundPage() {
  return (
    <Page title="Page Not Found">
      <p>
        Sorry, there is nothing at this address. Go back to the <Link to={paths.home}>home page</Link>.
      </p>
    </Page>
  );
}
