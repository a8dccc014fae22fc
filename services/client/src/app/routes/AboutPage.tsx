import { Page } from '@/components/layout/Page';

import '@/styles/content.scss';

export function AboutPage() {
  return (
    <Page title="About">
      <div className="content">
        <p>
          This app registers users, logs them in and shows who else is here. It talks to a Flask users service through an
          Nginx gateway; the API is documented with Swagger UI at <a href="/swagger/">/swagger</a>.
        </p>
        <p>
          Sessions last across reloads without keeping a token in the browser&rsquo;s storage, and administrators can add,
          edit and remove users from the home page.
        </p>
      </div>
    </Page>
  );
}
