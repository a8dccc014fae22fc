/**
 * Form rules shown live under the auth and user forms. The texts are the ones users
 * of the original app know; the limits match the users service.
 */

export type Field = 'username' | 'email' | 'password';

export interface Rule<F extends string = Field> {
  id: string;
  field: F;
  text: string;
  test: (value: string) => boolean;
}

export interface RuleResult {
  id: string;
  text: string;
  valid: boolean;
}

const EMAIL_PATTERN =
  /^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;

export const isEmail = (value: string): boolean => EMAIL_PATTERN.test(value);

export const usernameRule: Rule = {
  id: 'username-length',
  field: 'username',
  text: 'Username must be greater than 5 characters.',
  test: (value) => value.length > 5,
};

export const emailLengthRule: Rule = {
  id: 'email-length',
  field: 'email',
  text: 'Email must be greater than 5 characters.',
  test: (value) => value.length > 5,
};

export const emailFormatRule: Rule = {
  id: 'email-format',
  field: 'email',
  text: 'Email must be a valid email address.',
  test: isEmail,
};

export const passwordRule: Rule = {
  id: 'password-length',
  field: 'password',
  text: 'Password must be greater than 10 characters.',
  test: (value) => value.length > 10,
};

export const currentPasswordRule: Rule<'current_password'> = {
  id: 'current-password-required',
  field: 'current_password',
  text: 'Current password is required.',
  test: (value) => value.length > 0,
};

export const registerRules: Rule[] = [usernameRule, emailLengthRule, emailFormatRule, passwordRule];

export const loginRules: Rule[] = [
  { id: 'email-required', field: 'email', text: 'Email is required.', test: (value) => value.length > 0 },
  { id: 'password-required', field: 'password', text: 'Password is required.', test: (value) => value.length > 0 },
];

export const profileRules: Rule[] = [usernameRule, emailLengthRule, emailFormatRule];

export function checkRules<F extends string>(rules: Rule<F>[], values: Record<F, string>): RuleResult[] {
  return rules.map((rule) => ({ id: rule.id, text: rule.text, valid: rule.test(values[rule.field]) }));
}

export const allValid = (results: RuleResult[]): boolean => results.every((result) => result.valid);
