import { buildSchema, Kind, parse, validate, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as q from '../../src/cii/queries.ts';
import {
  endUserSchema,
  endUserStateSchema,
  endUsersByIpPageSchema,
  integrationStatusSchema,
} from '../../src/cii/schemas.ts';
import { buildCiiSchema, ciiSdl } from '../../sim/cii/schema.ts';

type Tree = { [field: string]: Tree | true };

/** The selection a zod schema calls for: its object keys, nested, with wrappers (optional, nullable, array) removed. */
function schemaTree(schema: z.ZodType): Tree | true {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else break;
  }
  if (!(s instanceof z.ZodObject)) return true;
  return Object.fromEntries(Object.entries(s.shape).map(([k, v]) => [k, schemaTree(v as z.ZodType)]));
}

function selectionTree(set: SelectionSetNode | undefined): Tree | true {
  if (!set) return true;
  const tree: Tree = {};
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD) throw new Error(`only plain fields are expected, got ${sel.kind}`);
    tree[sel.name.value] = selectionTree(sel.selectionSet);
  }
  return tree;
}

function rootFields(doc: string) {
  const parsed = parse(doc);
  expect(parsed.definitions).toHaveLength(1);
  const op = parsed.definitions[0] as OperationDefinitionNode;
  return { op, fields: op.selectionSet.selections };
}

describe('CII GraphQL documents', () => {
  it.each([
    ['GET_END_USER_STATE', q.GET_END_USER_STATE, 'getEndUserState', endUserStateSchema],
    ['GET_END_USER', q.GET_END_USER, 'getEndUser', endUserSchema],
    ['GET_END_USERS_BY_IP', q.GET_END_USERS_BY_IP, 'getEndUsersByIp', endUsersByIpPageSchema],
    ['GET_INTEGRATIONS_STATUS', q.GET_INTEGRATIONS_STATUS, 'getIntegrationsStatus', z.array(integrationStatusSchema)],
  ] as const)('%s asks for one root field with exactly the fields of its schema', (_name, doc, root, schema) => {
    const { fields } = rootFields(doc);
    expect(fields).toHaveLength(1);
    const field = fields[0]!;
    if (field.kind !== Kind.FIELD) throw new Error('root selection is not a field');
    expect(field.name.value).toBe(root);
    expect(selectionTree(field.selectionSet)).toEqual(schemaTree(schema));
  });

  it.each([
    ['PING', q.PING, 'query', 'ping'],
    ['REGISTER_WEBHOOK_WITH_API_KEY', q.REGISTER_WEBHOOK_WITH_API_KEY, 'mutation', 'registerWebhookWithApiKey'],
    ['UNREGISTER_WEBHOOK', q.UNREGISTER_WEBHOOK, 'mutation', 'unregisterWebhook'],
  ] as const)('%s is a %s of the scalar field %s alone', (_name, doc, operation, root) => {
    const { op, fields } = rootFields(doc);
    expect(op.operation).toBe(operation);
    expect(fields).toHaveLength(1);
    const field = fields[0]!;
    if (field.kind !== Kind.FIELD) throw new Error('root selection is not a field');
    expect(field.name.value).toBe(root);
    expect(field.selectionSet).toBeUndefined();
  });
});

describe('CII GraphQL documents against the SDL of CII’s documented schema', () => {
  const documents: Array<[string, string]> = Object.entries(q as Record<string, unknown>).flatMap(([name, value]) =>
    typeof value === 'string' ? [[name, value]] : [],
  );

  it('covers every document the client sends', () => {
    expect(documents.map(([name]) => name).sort()).toEqual([
      'GET_END_USER',
      'GET_END_USERS_BY_IP',
      'GET_END_USER_STATE',
      'GET_INTEGRATIONS_STATUS',
      'PING',
      'REGISTER_WEBHOOK_WITH_API_KEY',
      'UNREGISTER_WEBHOOK',
    ]);
  });

  it.each(documents)('%s validates', (_name, doc) => {
    expect(validate(buildCiiSchema(), parse(doc)).map((e) => e.message)).toEqual([]);
  });

  it.each(['RegisterWebhookWithApiKey', 'RegisterWebhookWithApiKeyInput', 'WebhookApiKeyTarget'])(
    'registration validates whatever the input type is called (%s)',
    (typeName) => {
      const sdl = ciiSdl.replaceAll(/\bRegisterWebhookWithApiKey\b/g, typeName);
      expect(sdl).toContain(`input ${typeName} {`);
      expect(validate(buildSchema(sdl), parse(q.REGISTER_WEBHOOK_WITH_API_KEY))).toEqual([]);
    },
  );

  it('a document declaring a misspelt input type is rejected whole, as CII would', () => {
    const misspelt = 'mutation($input: RegisterWebhookWithApiKeyInput!) { registerWebhookWithApiKey(input: $input) }';
    expect(validate(buildCiiSchema(), parse(misspelt)).map((e) => e.message)).toContainEqual(
      expect.stringContaining('Unknown type "RegisterWebhookWithApiKeyInput"'),
    );
  });
});
