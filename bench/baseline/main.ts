import { App } from 'aws-cdk-lib';
import { buildBaseline } from './app';

const app = new App();
buildBaseline(app);
