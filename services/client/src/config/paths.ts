/** The client's routes. Pages never use the /users or /auth prefixes: the gateway sends those to the API. */
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
  admin: '/admin',
} as const;
