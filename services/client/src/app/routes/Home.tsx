import { UsersList } from '@/features/users';

export default function Home() {
  return <UsersList />;
}
