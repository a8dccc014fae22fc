export { TextField } from './TextField';
export { ValidationList } from './ValidationList';
