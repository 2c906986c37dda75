/** The shared compiler as one lazily loaded chunk (see compile-bridge.ts). */
export { compile } from '../../compiler/compile';
export { checkPipeline } from '../../compiler/validate';
export { toYaml } from '../../compiler/yaml';
