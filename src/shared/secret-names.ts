/** Whether an environment variable name looks like it holds a credential (by its words, not its value). */
export function looksLikeCredential(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w.length > 0);
  const joined = words.join('_');
  // A secret's ARN, name or id is a reference the app resolves itself, not the credential.
  if (/_(ARN|NAME|ID|PATH|REGION)$/.test(joined)) {
    return false;
  }
  return words.some((w) => ['PASSWORD', 'PASSWD', 'SECRET', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PASSPHRASE'].includes(w))
    || /(^|_)(API|ACCESS|PRIVATE|SECRET|SIGNING|ENCRYPTION)_KEY($|_)/.test(joined)
    || /(^|_)(ACCESS|AUTH|BEARER|REFRESH|SESSION|ID)_TOKEN($|_)/.test(joined);
}
