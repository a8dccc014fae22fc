export { ProfileFields } from './ProfileFields';
export { TextField } from './TextField';
export { useSubmit, type SubmitOptions, type Submission } from './use-submit';
export { ValidationList } from './ValidationList';
