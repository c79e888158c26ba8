import { generatePassword, hashPassword, verifyAgainstDecoy, verifyPassword } from './password.hasher';

describe(hashPassword.name, () => {
  it('writes the parameters and a fresh salt into each hash', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(first).not.toBe(second);
  });
});

describe(verifyPassword.name, () => {
  it('accepts the password and refuses another, a prefix and a malformed hash', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('correct horse', hash)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'md5$abc')).toBe(false);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    expect(await verifyPassword('e\u0301te\u0301 sans fin', await hashPassword('\u00e9t\u00e9 sans fin'))).toBe(true);
  });
});

describe(verifyAgainstDecoy.name, () => {
  it('always refuses', async () => {
    expect(await verifyAgainstDecoy(generatePassword())).toBe(false);
  });
});
