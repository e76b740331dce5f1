export { HealthOmicsProvider } from './provider';
export { classifyOmicsError } from './errors';
export { logStreamUrl } from './results';
