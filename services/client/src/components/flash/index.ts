export { FlashMessages } from './FlashMessages';
export { FlashProvider } from './FlashProvider';
export { useFlash, type FlashType } from './flash-context';
export { useFlashedAction } from './use-flashed-action';
