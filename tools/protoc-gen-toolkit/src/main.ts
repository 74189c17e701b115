import { runNodeJs } from '@bufbuild/protoplugin';
import { protocGenToolkit } from './plugin';

runNodeJs(protocGenToolkit);
