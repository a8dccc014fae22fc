import { paths } from './paths';

// The prefixes the gateway sends to a service (services/nginx/nginx.conf.template).
const API_PREFIX = /^\/(users|auth|items|health|internal|swagger)(\/|$)/;

describe("The client's routes", () => {
  it('never start with a prefix the gateway sends to a service', () => {
    expect(Object.values(paths).filter((path) => API_PREFIX.test(path))).toEqual([]);
  });

  it('give the items page a path of its own', () => {
    expect(paths.items).toBe('/my-items');
  });
});
