export { UsersList } from './components/UsersList';
