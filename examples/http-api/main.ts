import { App } from 'aws-cdk-lib';
import { buildHttpApiExample } from './app';
import { addNagPacks } from '../nag-packs';

const app = new App();
buildHttpApiExample(app);
addNagPacks(app);
