import { Link } from 'react-router';

import { PageTitle } from '@/components/layout/PageTitle';
import { paths } from '@/config/paths';

export function NotFoundPage() {
  return (
    <div>
      <PageTitle title="Page Not Found" />
      <h1 className="title is-1">Page Not Found</h1>
      <hr />
      <p>
        Sorry, there is nothing at this address. Go back to the <Link to={paths.home}>home page</Link>.
      </p>
    </div>
  );
}
