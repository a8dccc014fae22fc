export { TextField } from './TextField';
export { ValidationList } from './ValidationList';
export { ProfileFields } from './ProfileFields';
