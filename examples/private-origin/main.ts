import { App } from 'aws-cdk-lib';
import { buildPrivateOriginExample } from './app';
import { addNagPacks } from '../nag-packs';

const app = new App();
buildPrivateOriginExample(app);
addNagPacks(app);
