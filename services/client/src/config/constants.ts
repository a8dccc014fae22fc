export const APP_TITLE = 'Users';
export const USERS_PER_PAGE = 10;
export const ITEMS_PER_PAGE = 10;
export const FLASH_TIMEOUT_MS = 3000;
