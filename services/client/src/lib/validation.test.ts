import { allValid, checkRules, isEmail, loginRules, registerRules } from './validation';

describe('form rules', () => {
  it('accepts ordinary email addresses and refuses malformed ones', () => {
    expect(isEmail('michael@herman.org')).toBe(true);
    expect(isEmail('first.last@sub.example.co.uk')).toBe(true);
    expect(isEmail('michael@')).toBe(false);
    expect(isEmail('michael herman@example.com')).toBe(false);
    expect(isEmail('plainaddress')).toBe(false);
  });

  it('holds register rules only once every field is long enough and the email is valid', () => {
    const results = checkRules(registerRules, { username: 'michael', email: 'michael@herman.org', password: 'greaterthanten' });
    expect(allValid(results)).toBe(true);

    const short = checkRules(registerRules, { username: 'micha', email: 'a@b.c', password: 'tencharsxx' });
    expect(short.map((result) => result.valid)).toEqual([false, false, false, false]);
  });

  it('needs only an email and a password to log in', () => {
    expect(allValid(checkRules(loginRules, { username: '', email: 'x', password: 'y' }))).toBe(true);
    expect(allValid(checkRules(loginRules, { username: '', email: '', password: 'y' }))).toBe(false);
  });
});
