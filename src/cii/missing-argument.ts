const NAME = '[_A-Za-z][_0-9A-Za-z]*';

// graphql-js 17, graphql-js 16, then graphql-java (AppSync), old and new wording.
const PATTERNS = (field: string) => [
  new RegExp(`Argument "(?:\\w+\\.)?${field}\\((${NAME}):\\)" of type "[^"]+" is required`),
  new RegExp(`Field "${field}" argument "(${NAME})" of type "[^"]+" is required`),
  new RegExp(`MissingFieldArgument: Missing field argument '?(${NAME})'? @ '${field}'`),
  new RegExp(`MissingFieldArgument@\\[${field}\\]\\) ?: Missing field argument '?(${NAME})'?`),
];

/** The required argument of `field` that a GraphQL validation error says was not given, if one does. */
export function missingArgument(errors: ReadonlyArray<{ message: string }>, field: string): string | undefined {
  for (const { message } of errors) {
    for (const pattern of PATTERNS(field)) {
      const name = pattern.exec(message)?.[1];
      if (name) return name;
    }
  }
  return undefined;
}
