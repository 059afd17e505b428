import { Type } from 'typebox';

export const WorkspaceIdParams = Type.Object({
  workspace_id: Type.String({ minLength: 1, maxLength: 128, description: 'Workspace ID', examples: ['ws_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
});
