import { App } from 'aws-cdk-lib';
import { buildStorageExample } from './app';
import { addNagPacks } from '../nag-packs';

const app = new App();
buildStorageExample(app);
addNagPacks(app);
