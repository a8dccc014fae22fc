// FormModal is imported by its own path: it brings the dialog's styles to whoever imports it.
export { CheckboxField } from './CheckboxField';
export { CurrentPasswordField, type SecretFieldProps } from './CurrentPasswordField';
export { ProfileFields } from './ProfileFields';
export { SubmitButton } from './SubmitButton';
export { TextAreaField } from './TextAreaField';
export { TextField } from './TextField';
export { TextFields, type FieldDefinition } from './TextFields';
export { useSubmit, type SubmitOptions, type Submission } from './use-submit';
export { ValidationList } from './ValidationList';
