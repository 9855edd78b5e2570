// The routes the web console adds (issue #10) in the OpenAPI document.
const ticket = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'ticket id: CHANNEL-externalId',
};

export function consoleOpenApi(errors: Record<string, unknown>) {
  return {
    '/v1/me': {
      get: {
        summary: 'Who is signed in: user, roles, team, and the routes their roles allow',
        description:
          'permissions lists `METHOD /path` of every route of the access table the roles allow; the console ' +
          'offers only those actions. Assignment (which complaints) is still checked on each call.',
        responses: {
          '200': {
            description: 'the principal',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    user: { type: 'string' },
                    roles: { type: 'array', items: { type: 'string' } },
                    team: { type: 'string' },
                    via: { type: 'string', enum: ['apiKey', 'jwt'] },
                    permissions: { type: 'array', items: { type: 'string' } },
                  },
                  required: ['user', 'roles', 'via', 'permissions'],
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    '/v1/complaints/{id}/recordings/{evidenceId}': {
      get: {
        summary: "A call recording kept as the customer's final opinion (R5.5)",
        description: 'The media bytes as stored (SHA-256 in X-Content-SHA256); 404 when not kept here.',
        parameters: [
          ticket,
          {
            name: 'evidenceId',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            description: 'consentEvidence[].id of the complaint',
          },
        ],
        responses: { '200': { description: 'the recording (audio/*)' }, ...errors },
      },
    },
  };
}
