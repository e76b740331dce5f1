/** Injection tokens of what the API is given rather than builds: interfaces have no runtime type to inject by. */
export const CONFIG = Symbol('Config');
export const RUN_STORE = Symbol('RunStore');
export const PROVIDER_REGISTRY = Symbol('DescriptorRegistry');
export const REQUEST_VALIDATOR = Symbol('RequestValidator');
