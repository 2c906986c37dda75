/** The shared compiler as one lazily loaded chunk (see compile-bridge.ts). */
export { checkPipeline, compile, toYaml } from '../../compiler';
