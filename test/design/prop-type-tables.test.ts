import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// Each construct refuses props of a wrong runtime type from a hand-written table (for JavaScript
// and Python callers, whom the compiler does not hold to the types). A table that misses a prop
// lets a wrong value through; one that names a prop the interface lacks checks nothing. This
// reads the tables and the interfaces from the source and holds them to each other.
const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

const sources = new Map(sourceFiles(SRC).map((f) => [path.relative(SRC, f), ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true)]));

const interfaces = new Map<string, ts.InterfaceDeclaration>();
for (const source of sources.values()) {
  source.statements.filter(ts.isInterfaceDeclaration).forEach((d) => interfaces.set(d.name.text, d));
}

/** The members of an interface of the library, with those of the library's interfaces it extends. */
function members(name: string): string[] {
  const declaration = interfaces.get(name);
  if (!declaration) {
    throw new Error(`no interface ${name} in src/`);
  }
  const own = declaration.members.filter(ts.isPropertySignature).map((m) => m.name.getText())
    // Internal members (such as the prop path a parent passes down) are no props of the user's.
    .filter((m) => !m.startsWith('_'));
  const inherited = (declaration.heritageClauses ?? []).flatMap((c) => c.types.map((t) => t.expression.getText()))
    .filter((base) => interfaces.has(base)).flatMap(members);
  return [...own, ...inherited];
}

// Tables and key lists may spread a shared one (`...EDGE_OPTION_TYPES`, `...EDGE_OPTION_KEYS`):
// options that several constructs take under the same names have one table, declared once.
const declarations = new Map<string, ts.VariableDeclaration>();
for (const source of sources.values()) {
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      declarations.set(node.name.text, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** The keys a spread `...name` brings into a table or a key list. */
function spreadKeys(name: string): string[] {
  const declaration = declarations.get(name);
  let init = declaration?.initializer;
  while (init && ts.isAsExpression(init)) {
    init = init.expression;
  }
  if (declaration?.type?.getText() === 'PropTypes' && init && ts.isObjectLiteralExpression(init)) {
    return literalKeys(init);
  }
  if (init && ts.isArrayLiteralExpression(init)) {
    return arrayKeys(init);
  }
  // `Object.keys(TABLE)`: the names of a shared table.
  if (init && ts.isCallExpression(init) && init.expression.getText() === 'Object.keys' && ts.isIdentifier(init.arguments[0])) {
    return spreadKeys(init.arguments[0].text);
  }
  throw new Error(`a spread of ${name}, which is no prop-type table or key list in src/, cannot be checked here`);
}

function literalKeys(literal: ts.ObjectLiteralExpression): string[] {
  return literal.properties.flatMap((p) => ts.isSpreadAssignment(p) ? spreadKeys(p.expression.getText()) : [p.name!.getText()]);
}

function arrayKeys(literal: ts.ArrayLiteralExpression): string[] {
  return literal.elements.flatMap((e) => ts.isSpreadElement(e) ? spreadKeys(e.expression.getText()) : [(e as ts.StringLiteral).text]);
}

/** The keys of the prop-type tables of a file: `PropTypes` constants and literals passed to the checkers. */
function tableKeys(file: string): string[] {
  const source = sources.get(file);
  if (!source) {
    throw new Error(`no file src/${file}`);
  }
  const keys: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && node.type?.getText() === 'PropTypes' && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
      keys.push(...literalKeys(node.initializer));
    }
    if (ts.isCallExpression(node) && ['refuseWrongTypes', 'checkPropTypes'].includes(node.expression.getText())) {
      node.arguments.filter(ts.isObjectLiteralExpression).forEach((literal) => keys.push(...literalKeys(literal)));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return keys;
}

const TABLES: Array<[string, string[]]> = [
  ['ChatbotAuthProps', ['auth/chatbot-auth.ts']],
  ['ChatbotOidcAuthProps', ['auth/chatbot-oidc-auth.ts']],
  ['ChatbotUserPoolWebAclProps', ['auth/chatbot-user-pool-web-acl.ts']],
  ['ChatbotBackendProps', ['backend/chatbot-backend.ts', 'backend/validate-backend.ts']],
  ['ChatbotInvocationLoggingProps', ['bedrock/chatbot-invocation-logging.ts']],
  ['ChatbotConversationsProps', ['conversations/chatbot-conversations.ts']],
  ['ChatbotConversationHistoryOptions', ['conversations/validate-conversations.ts']],
  ['ChatbotEdgeProps', ['edge/chatbot-edge.ts']],
  ['ChatbotWebAclProps', ['edge/chatbot-web-acl.ts']],
  ['ChatbotEndpointsProps', ['endpoints/chatbot-endpoints.ts']],
  ['ChatbotHttpApiProps', ['ingress/chatbot-http-api.ts']],
  ['ChatbotLoadBalancerProps', ['ingress/chatbot-load-balancer.ts']],
  ['ChatbotMonitoringProps', ['monitoring/chatbot-monitoring.ts']],
  ['ChatbotNetworkProps', ['network/chatbot-network.ts']],
  ['ChatbotOriginVerifyProps', ['origin-verify/chatbot-origin-verify.ts']],
  ['ChatbotRepositoryProps', ['registry/chatbot-repository.ts']],
  ['ChatbotServiceProps', ['service/chatbot-service.ts']],
  ['ChatbotStorageProps', ['storage/chatbot-storage.ts']],
];

test.each(TABLES)('the prop-type table of %s has exactly its members', (name, files) => {
  const keys = files.flatMap(tableKeys);
  expect(keys.length).toBeGreaterThan(0);
  // Each prop once, and the same set as the interface.
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  expect([...keys].sort()).toEqual([...new Set(members(name))].sort());
});

// The shared tables of options that several constructs take (in each folder's option-types.ts).
const SHARED_TABLES: Array<[string, string]> = [
  ['ChatbotWebAclOptions', 'WEB_ACL_OPTION_TYPES'],
  ['ChatbotEdgeOptions', 'EDGE_OPTION_TYPES'],
  ['ChatbotCognitoLoginOptions', 'COGNITO_LOGIN_OPTION_TYPES'],
  ['ChatbotLoadBalancerOptions', 'LOAD_BALANCER_OPTION_TYPES'],
  ['ChatbotTaskContainerOptions', 'TASK_CONTAINER_OPTION_TYPES'],
  ['ChatbotMonitoringOptions', 'MONITORING_OPTION_TYPES'],
  ['ChatbotHttpApiIngressOptions', 'HTTP_API_OPTION_TYPES'],
];

test.each(SHARED_TABLES)('the shared prop-type table of %s has exactly its members', (name, table) => {
  const keys = spreadKeys(table);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  expect([...keys].sort()).toEqual([...new Set(members(name))].sort());
});

const isOptionTypes = (file: string) => path.basename(file) === 'option-types.ts';

test('every construct props interface with a table is listed', () => {
  const listed = new Set(TABLES.flatMap(([, files]) => files));
  const withTables = [...sources.keys()].filter((f) => f !== 'shared/validation.ts' && f !== 'auth/identity-provider.ts' && !isOptionTypes(f)
    && tableKeys(f).length > 0);
  expect(withTables.filter((f) => !listed.has(f))).toEqual([]);
});

test('every shared table is listed', () => {
  const shared = [...sources.entries()].filter(([f]) => isOptionTypes(f)).flatMap(([, source]) => source.statements
    .filter(ts.isVariableStatement).flatMap((st) => st.declarationList.declarations)
    .filter((d) => d.type?.getText() === 'PropTypes').map((d) => d.name.getText()));
  expect(shared.sort()).toEqual(SHARED_TABLES.map(([, table]) => table).sort());
});

// Unknown keys are refused against lists of names (`KnownKeys`): each list must name exactly the
// members of its interface, or a valid prop would be refused, or an unknown one let through.
function knownKeyLists(file: string): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && node.type?.getText() === 'KnownKeys' && node.initializer && ts.isArrayLiteralExpression(node.initializer)) {
      lists.set(node.name.getText(), arrayKeys(node.initializer));
    }
    ts.forEachChild(node, visit);
  };
  visit(sources.get(file)!);
  return lists;
}

const KNOWN_KEY_LISTS: Array<[string, string, string]> = [
  ['SecureContainerChatbotProps', 'compose/validate-chatbot-props.ts', 'CHATBOT_PROPS'],
  ['ChatbotContainerOptions', 'compose/validate-chatbot-props.ts', 'CONTAINER_OPTIONS'],
  ['ChatbotCloudFrontIngressOptions', 'ingress/validate-ingress.ts', 'CLOUDFRONT_INGRESS_OPTIONS'],
  ['ChatbotHttpApiIngressOptions', 'ingress/validate-ingress.ts', 'HTTP_API_INGRESS_OPTIONS'],
];

test.each(KNOWN_KEY_LISTS)('the known-key list of %s has exactly its members', (name, file, list) => {
  const keys = knownKeyLists(file).get(list);
  expect(keys).toBeDefined();
  expect(keys!.filter((k, i) => keys!.indexOf(k) !== i)).toEqual([]);
  expect([...keys!].sort()).toEqual([...new Set(members(name))].sort());
});

test('every known-key list is held to an interface', () => {
  const all = [...sources.keys()].flatMap((f) => [...knownKeyLists(f).keys()].map((list) => `${f}:${list}`));
  expect(all.sort()).toEqual(KNOWN_KEY_LISTS.map(([, file, list]) => `${file}:${list}`).sort());
});
