import { APP_TITLE } from '@/config/constants';

/** Sets the browser tab's title; React places the element in the document head. */
export function PageTitle({ title }: { title: string }) {
  return <title>{`${title} · ${APP_TITLE}`}</title>;
}
