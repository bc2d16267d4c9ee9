import { Spin } from 'antd';

export function FullPageSpin() {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: 240 }} data-testid="page-loading">
      <Spin size="large" />
    </div>
  );
}
