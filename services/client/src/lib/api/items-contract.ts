/**
 * The items API as its contract describes it, in the shape openapi-typescript generates,
 * until services/swagger/items.json exists and items-schema.d.ts is generated from it.
 */
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoParameters = { query?: never; header?: never; path?: never; cookie?: never };
type ItemPath = { query?: never; header?: never; path: { item_id: number }; cookie?: never };
/** openapi-typescript names every method on every path, `never` where there is none. */
type NoMethods = { get?: never; put?: never; post?: never; delete?: never; options?: never; head?: never; patch?: never; trace?: never };
type Methods<Defined> = Omit<NoMethods, keyof Defined> & Defined;
type Fail = Json<components['schemas']['FailEnvelope']>;

export interface components {
  schemas: {
    FailEnvelope: { errors?: { [key: string]: string[] }; message: string; request_id?: string; status: 'fail' };
    ItemPublic: {
      created_date: string;
      description: string;
      id: number;
      owner_id: number;
      title: string;
      updated_date: string;
    };
    ItemPage: { items: components['schemas']['ItemPublic'][]; page: number; per_page: number; total: number };
    ItemCreateIn: { description?: string; title: string };
    ItemUpdateIn: { description?: string; title?: string };
    ItemEnvelope: { data: components['schemas']['ItemPublic']; message?: string; status: 'success' };
    ItemPageEnvelope: { data: components['schemas']['ItemPage']; status: 'success' };
    MessageEnvelope: { message: string; status: 'success' };
  };
}

export interface paths {
  '/items': Methods<{
    parameters: NoParameters;
    get: {
      parameters: {
        query?: { page?: number; per_page?: number; owner_id?: number };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Json<components['schemas']['ItemPageEnvelope']>; 400: Fail; 401: Fail; 403: Fail };
    };
    post: {
      parameters: NoParameters;
      requestBody: { content: { 'application/json': components['schemas']['ItemCreateIn'] } };
      responses: { 201: Json<components['schemas']['ItemEnvelope']>; 400: Fail; 401: Fail };
    };
  }>;
  '/items/{item_id}': Methods<{
    parameters: NoParameters;
    get: {
      parameters: ItemPath;
      requestBody?: never;
      responses: { 200: Json<components['schemas']['ItemEnvelope']>; 401: Fail; 404: Fail };
    };
    patch: {
      parameters: ItemPath;
      requestBody: { content: { 'application/json': components['schemas']['ItemUpdateIn'] } };
      responses: { 200: Json<components['schemas']['ItemEnvelope']>; 400: Fail; 401: Fail; 404: Fail };
    };
    delete: {
      parameters: ItemPath;
      requestBody?: never;
      responses: { 200: Json<components['schemas']['MessageEnvelope']>; 401: Fail; 404: Fail };
    };
  }>;
}
