/**
 * Names for the generated OpenAPI types (./schema.d.ts for the users service, the items
 * service's beside it; `npm run generate:api`), and helpers that read a route's body,
 * parameters and success response from them.
 */
import type { components as ItemsComponents, paths as ItemsPaths } from './items-schema';
import type { components, paths as UsersPaths } from './schema';

type Schemas = components['schemas'];
type ItemSchemas = ItemsComponents['schemas'];

/** Every path the gateway routes to a service. Both services also answer /health/*: users' describe them. */
type paths = UsersPaths & Omit<ItemsPaths, keyof UsersPaths>;

export type User = Schemas['UserPublic'];
export type UsersPage = Schemas['UserPage'];
type UsersQuery = NonNullable<UsersPaths['/users']['get']['parameters']['query']>;
export type UserSort = NonNullable<UsersQuery['sort']>;
/** The search, sort and filters of GET /users; what is left out is not sent. */
export interface UserSearch {
  q?: string;
  sort?: UserSort;
  active?: boolean;
  admin?: boolean;
  verified?: boolean;
}
export type AuditEvent = Schemas['AuditEventPublic'];
export type AuditPage = Schemas['AuditPage'];
export type UserCreate = Schemas['UserCreateIn'];
export type UserUpdate = Schemas['UserUpdateIn'];
export type Login = Schemas['LoginIn'];
export type Registration = Schemas['RegisterIn'];
export type PasswordChange = Schemas['PasswordChangeIn'];
export type FailEnvelope = Schemas['FailEnvelope'];
export type TwoFactorSetup = Schemas['TwoFactorSetup'];
export type TwoFactorDisable = Schemas['TwoFactorDisableIn'];
export type AccountDelete = Schemas['AccountDeleteIn'];
/** A code of the authenticator app, or one of the recovery codes. */
export type SecondFactor = { code: string } | { recovery_code: string };
export type Session = Schemas['SessionPublic'];

export type Item = ItemSchemas['ItemPublic'];
export type ItemsPage = ItemSchemas['ItemPage'];
export type ItemCreate = ItemSchemas['ItemCreateIn'];
export type ItemUpdate = ItemSchemas['ItemUpdateIn'];

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Path = keyof paths;

/** The paths that have an operation for `M`. */
export type PathFor<M extends Method> = {
  [P in Path]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[Path];

export type Operation<P extends Path, M extends Method> = NonNullable<paths[P][M]>;

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : undefined;
type SuccessCode = 200 | 201 | 202 | 204;

export type SuccessBody<O> = O extends { responses: infer R } ? Json<R[Extract<keyof R, SuccessCode>]> : never;
export type RequestBody<O> = O extends { requestBody?: infer B } ? Json<NonNullable<B>> : undefined;
export type PathParams<O> = O extends { parameters: { path: infer A } } ? A : never;
export type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
