import { incidentFlowSuite } from './incident-flow.suite.js';

incidentFlowSuite('postgres');
