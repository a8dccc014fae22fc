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

export const APP_TITLE = 'Users';
export const USERS_PER_PAGE = 10;
export const FLASH_TIMEOUT_MS = 3000;
