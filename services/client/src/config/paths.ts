/**
 * The client's routes. Pages never use the /users, /auth or /items prefixes: the gateway
 * sends those to the services, so a page there would answer a reload with the API's JSON.
 */
export const paths = {
  home: '/',
  about: '/about',
  register: '/register',
  login: '/login',
  logout: '/logout',
  status: '/status',
  settings: '/settings',
  forgotPassword: '/forgot-password',
  resetPassword: '/reset-password',
  verifyEmail: '/verify-email',
  admin: '/admin',
  items: '/my-items',
} as const;
