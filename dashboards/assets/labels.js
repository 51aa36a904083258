// Labels shown beside the API's codes (pure).

export const PROGRAM_LABELS = {
  hypertension: '高血压 hypertension',
  diabetes: '2型糖尿病 diabetes',
  severe_mental_disorder: '严重精神障碍 severe mental disorder',
  tuberculosis: '肺结核 tuberculosis',
  child: '儿童 child health',
  maternal: '孕产妇 maternal',
  elderly: '老年人 elderly',
};

export const BY_LABELS = { street: '街道/镇 street/town', community: '社区/村 community', institution: '机构 institution' };

export const programLabel = (code) => PROGRAM_LABELS[code] ?? code;
