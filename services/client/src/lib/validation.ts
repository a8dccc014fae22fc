/**
 * Form rules shown live under the auth, user and item forms. The texts are the ones users
 * of the original app know; the limits match the users and items services.
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

export type ItemField = 'title' | 'description';

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;

/**
 * Whitespace as the items service has it: what Python or JavaScript counts as whitespace,
 * spelled out as in the title pattern of services/swagger/items.json (a test compares them).
 */
export const WHITESPACE_CLASS = String.raw`\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;
const BLANK = new RegExp(`^[${WHITESPACE_CLASS}]*$`);

/** Length as the items service counts it: in characters (code points), not UTF-16 units. */
export const characterCount = (value: string): number => [...value].length;

export const itemRules: Rule<ItemField>[] = [
  {
    id: 'title-required',
    field: 'title',
    text: 'Title is required.',
    test: (value) => !BLANK.test(value),
  },
  {
    id: 'title-length',
    field: 'title',
    text: `Title must be at most ${TITLE_MAX_LENGTH} characters.`,
    test: (value) => characterCount(value) <= TITLE_MAX_LENGTH,
  },
  {
    id: 'description-length',
    field: 'description',
    text: `Description must be at most ${DESCRIPTION_MAX_LENGTH.toLocaleString('en-US')} characters.`,
    test: (value) => characterCount(value) <= DESCRIPTION_MAX_LENGTH,
  },
];

export function checkRules<F extends string>(rules: Rule<F>[], values: Record<F, string>): RuleResult[] {
  return rules.map((rule) => ({ id: rule.id, text: rule.text, valid: rule.test(values[rule.field]) }));
}

export const allValid = (results: RuleResult[]): boolean => results.every((result) => result.valid);
