import { allValid, characterCount, checkRules, isEmail, itemRules, loginRules, registerRules } from './validation';

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

  it('needs an item title that is not blank and at most 200 characters', () => {
    const valid = (title: string) => checkRules(itemRules, { title, description: '' }).map((result) => result.valid);
    expect(valid('Buy milk')).toEqual([true, true, true]);
    expect(valid('')).toEqual([false, true, true]);
    expect(valid('   \t ')).toEqual([false, true, true]);
    // Whitespace to Python only, or to JavaScript only: blank to the service either way.
    expect(valid('\x1c\x85 ')).toEqual([false, true, true]);
    expect(valid('\ufeff\u3000')).toEqual([false, true, true]);
    expect(valid('\u200b')).toEqual([true, true, true]);
    expect(valid('x'.repeat(200))).toEqual([true, true, true]);
    expect(valid('x'.repeat(201))).toEqual([true, false, true]);
  });

  it('allows an item description of up to 2,000 characters, counted as the service counts them', () => {
    const valid = (description: string) => allValid(checkRules(itemRules, { title: 'A title', description }));
    expect(valid('')).toBe(true);
    expect(valid('d'.repeat(2000))).toBe(true);
    expect(valid('d'.repeat(2001))).toBe(false);
    // An emoji is one character to the service although it is two UTF-16 units.
    expect(characterCount('🙂'.repeat(2000))).toBe(2000);
    expect(valid('🙂'.repeat(2000))).toBe(true);
    expect(checkRules(itemRules, { title: '', description: '' }).map((result) => result.text)).toEqual([
      'Title is required.',
      'Title must be at most 200 characters.',
      'Description must be at most 2,000 characters.',
    ]);
  });
});
