export { FlashMessages } from './FlashMessages';
export { FlashProvider } from './FlashProvider';
export { useFlash, type FlashType } from './flash-context';
