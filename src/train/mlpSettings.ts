/** The MLP's settings and logs as plain data: no TensorFlow.js, so forms, stores and the forest path can read them. */
export interface MlpSettings {
  hidden: number[];
  activation: 'relu' | 'gelu' | 'tanh';
  dropout: number;
  l2: number;
  learningRate: number;
  /** learning rate multiplied by this every epoch (1 = constant) */
  lrDecay: number;
  batchSize: number;
  epochs: number;
  /** epochs without a better validation loss before stopping (0 = never stop early) */
  patience: number;
  validationShare: number;
  /** weight classes by inverse frequency (FER2013's "disgust" is rare) */
  classWeighting: boolean;
  seed: number;
}

export const DEFAULT_MLP: MlpSettings = {
  hidden: [512],
  activation: 'relu',
  dropout: 0.3,
  l2: 1e-4,
  learningRate: 1e-3,
  lrDecay: 0.97,
  batchSize: 128,
  epochs: 40,
  patience: 6,
  validationShare: 0.1,
  classWeighting: false,
  seed: 42,
};

export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
}

export interface BatchLog {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}
