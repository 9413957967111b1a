import { App } from 'aws-cdk-lib';
import { buildBasicExample } from './app';
import { addNagPacks } from '../nag-packs';

const app = new App();
buildBasicExample(app);
addNagPacks(app);
