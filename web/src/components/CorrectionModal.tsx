import { Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectionBody } from '../api/registry';

interface Current {
  title: string;
  description: string;
  authors: { name: string }[];
  completedOn: string;
}
interface Values {
  title: string;
  description: string;
  authors: string;
  completedOn: string;
  reason: string;
}

/**
 * The administrator's correction of a registration: the public fields as they stand, to edit,
 * and a required reason. Only changed fields are sent; the server refuses a correction that
 * changes nothing.
 */
export function CorrectionModal({ open, current, confirmLoading, onCancel, onSubmit }: { open: boolean; current: Current; confirmLoading: boolean; onCancel: () => void; onSubmit: (body: CorrectionBody) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  useEffect(() => {
    if (open) form.setFieldsValue({ title: current.title, description: current.description, authors: current.authors.map((a) => a.name).join('\n'), completedOn: current.completedOn, reason: '' });
  }, [open, form, current]);
  const submit = (v: Values) => {
    const body: CorrectionBody = { reason: v.reason.trim() };
    if (v.title !== current.title) body.title = v.title;
    if (v.description !== current.description) body.description = v.description;
    const authors = v.authors.split('\n').map((s) => s.trim()).filter(Boolean);
    if (authors.join('\n') !== current.authors.map((a) => a.name).join('\n')) body.authors = authors.map((name) => ({ name }));
    if (v.completedOn !== current.completedOn) body.completedOn = v.completedOn;
    onSubmit(body);
  };
  return (
    <Modal
      open={open}
      title={t('registry.correctTitle')}
      onCancel={onCancel}
      confirmLoading={confirmLoading}
      destroyOnHidden
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'correction-submit' }}
      onOk={() => void form.validateFields().then(submit).catch(() => undefined)}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="title" label={t('fields.title')} rules={[{ required: true, whitespace: true, message: t('registry.fieldRequired') }, { max: 200 }]}>
          <Input data-testid="correction-title" maxLength={200} />
        </Form.Item>
        <Form.Item name="authors" label={t('registry.authorsOnePerLine')} rules={[{ required: true, whitespace: true, message: t('registry.fieldRequired') }]}>
          <Input.TextArea rows={2} data-testid="correction-authors" />
        </Form.Item>
        <Form.Item name="completedOn" label={t('fields.completedOn')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('registry.dateFormat') }]}>
          <Input data-testid="correction-completed-on" placeholder="YYYY-MM-DD" />
        </Form.Item>
        <Form.Item name="description" label={t('fields.description')}>
          <Input.TextArea rows={3} data-testid="correction-description" maxLength={10000} />
        </Form.Item>
        <Form.Item name="reason" label={t('registry.reason')} rules={[{ required: true, whitespace: true, message: t('review.reasonRequired') }, { max: 2000, message: t('validation.maxLength', { max: 2000 }) }]}>
          <Input.TextArea rows={3} data-testid="correction-reason" maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
