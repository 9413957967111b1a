import { looksLikeCredential } from '../../src/shared/secret-names';

describe('names of plain configuration values that look like credentials', () => {
  test.each(['DB_PASSWORD', 'password', 'CLIENT_SECRET', 'OPENAI_API_KEY', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY',
    'PRIVATE_KEY', 'GITHUB_ACCESS_TOKEN', 'slack-bot-auth-token', 'REFRESH_TOKEN', 'DB_CREDENTIALS', 'SIGNING_KEY'])('%s is refused', (name) => {
    expect(looksLikeCredential(name)).toBe(true);
  });

  test.each(['MAX_TOKENS', 'TOKEN_LIMIT', 'BEDROCK_MODEL_ID', 'FILES_BUCKET', 'S3_KEY_PREFIX', 'KEY_PREFIX', 'PWD', 'DB_SECRET_ARN',
    'API_SECRET_NAME', 'PARTITION_KEY', 'SIGNOUT_PATH', 'GUARDRAIL_ID'])('%s is accepted', (name) => {
    expect(looksLikeCredential(name)).toBe(false);
  });
});
